"""A force system simulator: builds, signs and posts the events a force's records system would send,
and receives the events Caseline sends back. ``python -m caseline_local.force_sim --help``.

- ``people``: the forces and the fictional people, places and references a case is made of;
- ``events``: pure builders, one per event type, each returning a CloudEvent dict that validates;
- ``scenarios``: a scripted case lifecycle and randomised bursts (duplicates, late deliveries);
- ``client``: Standard Webhooks signing and posting (urllib), and the running local stack's defaults;
- ``receiver``: a small HTTP receiver for Caseline's outbound events;
- ``examples``: one example envelope per event type, for docs/events/examples/.
"""
