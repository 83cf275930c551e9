from cetak.cli import main

main()
