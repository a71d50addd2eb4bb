"""Prompt templates, installed as package data (see t2j_rag.resources)."""
