"""The demo province (``build``) and its command, ``manage.py demo``: the top layer, which
imports every app and which no app imports."""
