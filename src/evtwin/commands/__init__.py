"""Commands of the evtwin CLI beyond the core ones in ``evtwin.cli``, one module each."""
