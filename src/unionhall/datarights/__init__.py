"""Members' data rights: what the union holds on each member and who has looked, the export, subject access requests, retention and erasure (issue 17)."""
