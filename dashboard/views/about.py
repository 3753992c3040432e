"""About: what PCA and autoencoders are, and how to read each page."""
import streamlit as st

st.title("About Latent Lab")
st.markdown("""
Latent Lab compares three ways of **compressing data**: each squeezes every sample into a few numbers, its
*codes*, and then tries to rebuild the sample from those codes alone. How much is lost tells you how much
structure the data have, and which method captures it best.

### The ideas
- **Encoder, bottleneck, decoder.** An *encoder* maps a sample with many features (64 pixels of a digit, say)
  to a handful of codes; the number of codes is the *bottleneck size*. A *decoder* maps the codes back to a
  full-size sample, the *reconstruction*.
- **Reconstruction loss.** Both halves are chosen to make reconstructions close to the originals, measured by
  the *mean squared error* (MSE) over features. *R²* is the share of the data's variance the reconstruction
  keeps: 1 is perfect, 0 is no better than predicting the average sample.
- **PCA** (principal component analysis) is the best *linear* encoder and decoder: it projects onto the
  directions of largest variance, and no linear method with the same bottleneck reconstructs better.
- A **linear autoencoder** is a neural network with no hidden layers and no activations. Trained on squared
  error by gradient descent it finds the same subspace as PCA, but only approximately, and possibly rotated.
- A **nonlinear autoencoder** adds hidden layers with nonlinear activations, so it can follow curved
  structure that PCA cannot, at the price of training time, and with a risk of overfitting.
- **Manifolds.** Data often lie near a low-dimensional, possibly curved surface inside the high-dimensional
  space: the swiss roll is a 2-D sheet rolled up in 3-D. A nonlinear autoencoder with a bottleneck of 2 can in
  principle unroll it; a linear method can only flatten it.

### How to read each page
- **Error curves:** test error against bottleneck size, one line per method. Curves fall as the bottleneck
  grows; the linear AE should sit on PCA's curve, the nonlinear AE may beat both at small bottlenecks. A
  big gap between training and test error (turn on *Show training error*) means overfitting.
- **Embeddings:** the 2-D codes of every test sample, coloured by label. *Trustworthiness* says whether
  neighbours in the codes are neighbours in the data; *k-NN accuracy* says whether the codes keep classes apart.
- **Reconstructions:** originals next to each method's reconstructions at the chosen bottleneck, the spread
  of errors over samples, and the samples each method gets most wrong.
- **Training:** each autoencoder's loss per epoch. A validation loss that rises while the training loss falls
  is overfitting; early stopping keeps the weights of the best validation epoch.
- **Linear AE vs PCA:** principal angles between the two subspaces (0° means identical) and the directions
  each method found, side by side.

### Using it
Pick a dataset, or upload a CSV file (one row per sample, one numeric column per feature, optionally a label
column), in the sidebar. Changing the bottleneck or a view option reuses the models already trained; changing
the data, the split, the methods' settings or the sweep sizes trains what is missing, with a progress bar.
""")
