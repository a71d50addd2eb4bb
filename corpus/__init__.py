"""The shipped corpus, installed as package data (see t2j_rag.resources)."""
