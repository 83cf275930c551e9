"""The Streamlit dashboard (issue: dashboard)."""
