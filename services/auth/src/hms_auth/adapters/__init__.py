"""Technology behind the ports: Postgres tables and repositories, Argon2, joserfc, AES-GCM."""
