import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes, *, rngs: nnx.Rngs):
        sizes = [input_size] + [hidden_size] * (num_layers - 1)
        self.rnn = nnx.List([
            nnx.RNN(nnx.LSTMCell(n_in, hidden_size, rngs=rngs), time_major=True, return_carry=True)
            for n_in in sizes
        ])
        self.drop = nnx.Dropout(0.25, rngs=rngs)  # between layers; inactive in eval
        self.fc = nnx.Linear(2 * hidden_size, num_classes, rngs=rngs)

    def __call__(self, x):
        out = x
        for i, layer in enumerate(self.rnn):
            if i > 0:
                out = self.drop(out)
            (_, h), out = layer(out)  # the flax LSTM carry is (c, h)
        summary = jnp.concatenate([h, jnp.mean(out, axis=0)], axis=-1)
        return self.fc(jnp.tanh(summary))
