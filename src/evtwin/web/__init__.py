"""The web app: NiceGUI pages over the library, with the JSON API on the same server.

``evtwin serve`` runs it (:func:`evtwin.web.app.serve`). Pages call the library in
process (never the HTTP API) and run simulations off the event loop, so one user's
study does not stall another's slider. Every asset (Vue, Quasar, Plotly) is served by
the app itself: it works with no internet.
"""
