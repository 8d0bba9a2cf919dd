"""Every write of the publishing app, by sub-domain:

- ``workflow``: posts from draft to approved (and the deadlines that move them);
- ``routes``: approval routes built from policies and walked stage by stage;
- ``dispatch``: sending approved publications exactly once;
- ``channels``: connecting channels, their health, the pause-all switch;
- ``policies``: approval policies; ``calendar``: feeds, export and import.
"""
