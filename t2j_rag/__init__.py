"""t2j-rag: retrieval-augmented PyTorch -> JAX/Flax NNX translation.

The package is a library first; `t2j_rag.cli` is a thin click layer over it.
Heavy dependencies (torch, jax, transformers, faiss, sentence-transformers) are
imported inside the functions that need them so that importing the package and
running `t2j-rag --help` stay instant.
"""

__version__ = "0.1.0"
