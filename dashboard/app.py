"""The dashboard's entry point: ``streamlit run dashboard/app.py`` (or ``cetak dashboard``).

The login gate comes before ``st.navigation``: a visitor without a session is offered
the login form as the only page, so no figure and no personal data is ever drawn for
them, and the page scripts are not reachable by URL. Each page draws the sidebar with
the user and "Keluar" itself (``ui.header``), so it is part of the page's own output.
"""

from __future__ import annotations

import streamlit as st

from cetak.settings import private_umask
from dashboard import auth, ui

private_umask()  # what the dashboard writes (exports, documents, the database) is 0600 / 0700
st.set_page_config(page_title="Cetak — Ruang Cetak KTP-el", page_icon="🪪", layout="wide")

settings, engine = ui.settings_and_engine()
served = ui.served(settings, engine)
actor = auth.current(engine)


def masuk() -> None:
    auth.login_form(engine, served.kabupaten)


if actor is None:
    page = st.navigation([st.Page(masuk, title="Masuk")], position="hidden")
else:
    page = st.navigation(
        [
            st.Page(
                "pages/ringkasan.py", title="Ringkasan", icon=":material/dashboard:", default=True
            ),
            st.Page("pages/antrian.py", title="Antrian & Printer", icon=":material/print:"),
            st.Page("pages/stok.py", title="Stok Blangko", icon=":material/inventory_2:"),
            st.Page("pages/distribusi.py", title="Distribusi", icon=":material/local_shipping:"),
            st.Page(
                "pages/perekaman.py", title="Perekaman & Cakupan", icon=":material/fingerprint:"
            ),
            st.Page("pages/karantina.py", title="Karantina", icon=":material/report:"),
            st.Page("pages/audit.py", title="Audit", icon=":material/history:"),
        ]
    )
page.run()
