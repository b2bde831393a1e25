"""In-memory fakes of each service's unit of work and repositories (decision 0026).

They implement the ports in services/<svc>/service_layer/ports.py; tests/contract/ runs
the same cases against them and the SQLAlchemy repositories, so they cannot drift.
"""
