"""The audit pages: the PAR administrator's log and a leaf's change history.

They label every app's events (states, stages, decisions, roles, plan tasks), so they sit above
the feature apps; the trail they read (models, ``audit_record``, the chain and its
verification) stays in ``parindex.audit``, below every app that records in it."""
