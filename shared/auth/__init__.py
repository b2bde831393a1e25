"""API tokens: roles and scopes, stored hashed."""
