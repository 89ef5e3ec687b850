"""The only layer that talks to docker-py: plain data out, no Textual in."""
