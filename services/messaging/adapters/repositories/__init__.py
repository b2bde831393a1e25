"""Messaging's repositories on a SQLAlchemy session, one module per aggregate (decision 0026).

The unit of work builds one of each per transaction; the service layer sees them through
the ports in services/messaging/service_layer/ports.py.
"""
