"""The app as production runs it: gunicorn over TLS, PATHWAY_ENV=production, driven by Chromium."""
