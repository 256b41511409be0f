"""The appointments domain: plain Python (stdlib only), no I/O, time passed in."""
