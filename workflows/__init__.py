"""Prefect flows. They stay thin: each task wraps one I/O step over the service layer."""
