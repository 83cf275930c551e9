# Cetak: the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export CETAK_HOME ?= $(CURDIR)/var
export PREFECT_HOME ?= $(CETAK_HOME)/prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
DEMO_DAYS ?= 20
DEMO_PER_DAY ?= 75
DEMO_PORT ?= 8501
DEMO_PASSWORD ?= demo-cetak-3310

.PHONY: install lock demo test test-unit test-fast bench lint clean

# Installs are reproducible: every package comes from requirements.lock (exact versions and
# hashes); the project itself is installed on top without resolving anything again.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $@

install: $(VENV)/.installed

# Upgrade the lock (see README, "Upgrading dependencies"): resolve pyproject.toml anew.
UV_VERSION ?= 0.13.9
lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 --universal \
	  --generate-hashes --no-header --upgrade -o requirements.lock

# The demo lives in its own home and starts afresh each time.
DEMO_HOME ?= $(CURDIR)/var/demo
DEMO := CETAK_HOME=$(DEMO_HOME) PREFECT_HOME=$(DEMO_HOME)/prefect CETAK_QC_AUTO_PASS=true $(BIN)/cetak

demo: install
	rm -rf $(DEMO_HOME)
	@echo "--- $(DEMO_DAYS) hari kerja ruang cetak, hari demi hari (jam disimulasikan, satu proses)"
	CETAK_HOME=$(DEMO_HOME) PREFECT_HOME=$(DEMO_HOME)/prefect $(BIN)/python scripts/demo_history.py \
	  --days $(DEMO_DAYS) --per-day $(DEMO_PER_DAY)
	@echo "--- perekaman: alat dan cakupan per kecamatan (Klaten, September 2016)"
	CETAK_HOME=$(DEMO_HOME) PREFECT_HOME=$(DEMO_HOME)/prefect $(BIN)/python scripts/demo_recording.py
	@echo "--- blangko dan pita terbatas: IKD, bahan habis pakai, pinjaman antarkabupaten"
	CETAK_HOME=$(DEMO_HOME) PREFECT_HOME=$(DEMO_HOME)/prefect $(BIN)/python scripts/demo_scarcity.py
	$(DEMO) devices list
	$(DEMO) printers list
	$(DEMO) stock status
	$(DEMO) reorder list
	$(DEMO) discrepancies list
	@echo "--- peringatan di $(DEMO_HOME)/alerts:" && ls $(DEMO_HOME)/alerts | tail -3
	@echo "--- struk di $(DEMO_HOME)/receipts (ESC/POS .bin, pratinjau .txt):" && ls $(DEMO_HOME)/receipts | head -4
	@echo "--- pratinjau kartu di $(DEMO_HOME)/pratinjau:" && (ls $(DEMO_HOME)/pratinjau 2>/dev/null || echo "(tidak ada)")
	$(DEMO) status
	@echo "Data demo ada di $(DEMO_HOME); contoh: CETAK_HOME=$(DEMO_HOME) $(BIN)/cetak records --state ready"
	@echo "--- dasbor: pengguna demo 'kasi' (Kepala seksi), kata sandi '$(DEMO_PASSWORD)'"
	printf '%s\n' '$(DEMO_PASSWORD)' | $(DEMO) users add kasi --role supervisor --password-stdin
	@echo "Buka http://localhost:$(DEMO_PORT) lalu masuk sebagai kasi / $(DEMO_PASSWORD) (Ctrl+C untuk berhenti)."
	$(DEMO) dashboard --port $(DEMO_PORT)

test: install
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2 --dist loadgroup

# The unit tests alone: no database, no server, no subprocess (tests/unit).
test-unit: install
	$(BIN)/pytest -n 0 tests/unit

test-fast: install
	$(BIN)/pytest -n 2 -m "not slow"

bench: install
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var .pytest_cache
