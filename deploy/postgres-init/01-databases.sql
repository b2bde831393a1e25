-- Run once by the postgres image on an empty data volume, as POSTGRES_USER (the compose
-- user), so that user owns each database and its public schema; Alembic creates the
-- tables. One database per service: services never read each other's tables.
CREATE DATABASE registry;
ALTER DATABASE registry OWNER TO CURRENT_USER;
CREATE DATABASE messaging;
ALTER DATABASE messaging OWNER TO CURRENT_USER;
CREATE DATABASE consent;
ALTER DATABASE consent OWNER TO CURRENT_USER;
