"""Writes of the questionnaires app, one module per capability:

- instruments: loading instrument definitions into versions;
- answering: starting, answering, scoring and completing a response;
- self_scans: a resident's own scans (sharing, keeping one made without an account, asking
  to talk about one);
- measurements: what a social worker records in a dossier, and requests to the client;
- surveys: the satisfaction survey and the staff survey.
"""
