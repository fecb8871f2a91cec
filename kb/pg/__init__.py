"""The postgres backend: the same index versions as the embedded files, in PostgreSQL + pgvector
(write.py builds, read.py loads, retrieve.py searches; db.py connects and names the tables)."""
