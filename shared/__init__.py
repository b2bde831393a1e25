"""Code every TrialReach service uses: config, database, bus, contracts, auth, HTTP."""
