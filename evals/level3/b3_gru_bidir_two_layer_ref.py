import jax.numpy as jnp
from flax import nnx


class TorchGRUCell(nnx.GRUCell):
    """nnx.GRUCell plus the hidden-side bias PyTorch keeps inside r * (W_hn h + b_hn)."""

    def __init__(self, in_features, hidden_features, *, rngs: nnx.Rngs):
        super().__init__(in_features, hidden_features, rngs=rngs)
        self.dense_h = nnx.Linear(hidden_features, 3 * hidden_features, use_bias=True, rngs=rngs)


def bidirectional_layer(in_features, hidden, rngs):
    return nnx.Bidirectional(nnx.RNN(TorchGRUCell(in_features, hidden, rngs=rngs)),
                             nnx.RNN(TorchGRUCell(in_features, hidden, rngs=rngs)), return_carry=True)


class Model(nnx.Module):
    def __init__(self, input_size, hidden_size, num_classes, *, rngs: nnx.Rngs):
        self.gru = nnx.List([
            bidirectional_layer(input_size, hidden_size, rngs),
            bidirectional_layer(2 * hidden_size, hidden_size, rngs),
        ])
        self.drop = nnx.Dropout(0.3, rngs=rngs)
        self.fc = nnx.Linear(2 * hidden_size, num_classes, rngs=rngs)

    def __call__(self, x):
        _, out = self.gru[0](x)
        (h_fwd, h_bwd), _ = self.gru[1](out)
        h = jnp.concatenate([h_fwd, h_bwd], axis=1)
        return self.fc(self.drop(h))
