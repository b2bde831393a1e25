"""The TrialReach services: registry, messaging, consent, and the fake Twilio server."""
