import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, *, rngs: nnx.Rngs):
        self.embedding = nnx.Embed(vocab_size, embed_dim, rngs=rngs)
        fwd = nnx.RNN(nnx.LSTMCell(embed_dim, hidden_size, rngs=rngs))
        bwd = nnx.RNN(nnx.LSTMCell(embed_dim, hidden_size, rngs=rngs))
        self.lstm = nnx.List([nnx.Bidirectional(fwd, bwd)])
        self.dropout = nnx.Dropout(0.25, rngs=rngs)
        self.fc = nnx.Linear(hidden_size * 2, hidden_size, rngs=rngs)
        self.classifier = nnx.Linear(hidden_size, num_classes, rngs=rngs)

    def __call__(self, tokens):
        emb = self.dropout(self.embedding(tokens))
        output = self.lstm[0](emb)
        pooled = jnp.max(output, axis=1)
        h = jnp.tanh(self.fc(self.dropout(pooled)))
        return self.classifier(h)
