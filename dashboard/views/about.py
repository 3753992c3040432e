"""About: what the methods are, how to read each page, and how the app behaves."""
import streamlit as st

from dashboard.jobs import ABANDONED_AFTER_SECONDS
from pipelines import METHODS
from pipelines.reducers import cost

LIMITS = cost.limits()

st.title("About Latent Lab")
st.markdown("""
Latent Lab compares ways of **compressing data**: each squeezes every sample into a few numbers, its *codes*,
and then tries to rebuild the sample from those codes alone. How much is lost tells you how much structure the
data have, and which method captures it best. Every method is scored on the same held-out test samples.

### The ideas
- **Encoder, bottleneck, decoder.** An *encoder* maps a sample with many features (64 pixels of a digit, say)
  to a handful of codes; the number of codes is the *bottleneck size*. A *decoder* maps the codes back to a
  full-size sample, the *reconstruction*.
- **Reconstruction loss.** Both halves are chosen to make reconstructions close to the originals, measured by
  the *mean squared error* (MSE) over features. *R²* is the share of the data's variance the reconstruction
  keeps: 1 is perfect, 0 is no better than predicting the average sample.
- **Units.** Images keep their pixel values in [0, 1], so their MSE is in those values, squared. Every other
  dataset is *standardised* first: each feature is shifted and scaled to mean 0 and variance 1 on the training
  samples, so features count equally whatever their units, and the MSE is in *standardised units²*. The
  Training page's loss is the same MSE on the training (and validation) samples.
- **Theory to check.** PCA is the best *linear* reconstruction with a given bottleneck (Eckart–Young). A linear
  autoencoder trained on squared error finds PCA's subspace (Baldi & Hornik 1989). Nonlinear methods can follow
  curved structure and beat PCA at small bottlenecks (Hinton & Salakhutdinov 2006). Every autoencoder here is
  trained by gradient descent from random weights, never copied from PCA.
- **Manifolds.** Data often lie near a low-dimensional, possibly curved surface inside the high-dimensional
  space: the swiss roll is a 2-D sheet rolled up in 3-D. A nonlinear method with a bottleneck of 2 can in
  principle unroll it; a linear method can only flatten it.
""")

st.subheader("The methods")
for entry in METHODS.values():
    availability = "" if entry.default_on else " *Off at first: add it in the sidebar's Methods.*"
    st.markdown(f"- **{entry.label}.** {entry.description}{availability}")

st.subheader("How to read each page")
st.markdown("""
- **Error curves:** test error against bottleneck size, one line per method, and the table of every number.
  Curves fall as the bottleneck grows; a linear method should sit on or above PCA's curve, a nonlinear one may
  beat it at small bottlenecks. Turn on *Show training error* to see overfitting (training error far below test
  error). When an autoencoder diverged, fell short of PCA where theory says it cannot, or overfits, a warning
  under the chart says so, with a likely cause and what to try.
- **Embeddings:** each method's 2-code model draws every test sample as a point, coloured by label; a switch shows
  the models of the sidebar's bottleneck instead (reduced to 2-D by PCA of their codes when there are more than 2).
  *Trustworthiness* says whether neighbours in the codes are neighbours in the data; *k-NN accuracy* says whether
  the codes keep classes apart. Click a point to ring it in every chart and see it next to each reconstruction.
- **Reconstructions:** originals next to each method's reconstructions at the chosen bottleneck, the spread
  of errors over samples, and the samples each method gets most wrong.
- **Latent space:** what the codes mean, decoded back to data. *Code plane* decodes a grid over each 2-code
  model's plane (a mosaic of images, a sheet in 3-D, or each feature along each code); *Interpolation* decodes
  the straight line between two samples' codes, next to their plain blend; *Code sliders* shift a sample's codes
  and redraw every decoding; *Generate* decodes random codes: the VAE's from its prior N(0, I), the others' from
  a Gaussian fitted to their training codes (an approximation, not a prior they were trained for).
- **Training:** each autoencoder's loss per epoch. A validation loss that rises while the training loss falls
  is overfitting; early stopping keeps the weights of the best validation epoch (the star). For a VAE a second
  chart splits its loss into reconstruction and KL.
- **Linear AE vs PCA:** principal angles between the two subspaces (0° means identical) and the directions
  each method found, side by side; red is positive and blue negative.
- **Stored runs:** every finished run on disk, one per method and set of bottleneck sizes. Overlay their error
  curves (R² compares across datasets), download them as a zip of CSV files and models, or delete them.
""")

st.subheader("How it behaves")
st.markdown(f"""
- **Training and reuse.** Each method trains all the sweep's bottleneck sizes together, once. Moving the
  bottleneck to a size in the sweep, or changing a view option, reuses those models; a size outside the sweep
  trains models of that size alone, with a progress bar. Changing the data, the split, the seeds or one method's
  settings trains only what those choices change.
- **Stored runs.** Finished runs are kept on disk, keyed by everything that defines them (the data's content,
  the split, every setting, the seeds and the library versions), so a refresh or a restart shows them without
  training again, and the command line (`python -m pipelines sweep`) shares them.
- **Stopping and limits.** Every training of a page shows its own bar, time left and *Stop* button, with one
  *Stop all*; a stopped run stores nothing and stays stopped, even after a reload, until *Train again*. At most two
  trainings run at once, shared fairly between browser tabs; PCA and other fits estimated under a second never wait
  for them. A training that no open page has asked about for {ABANDONED_AFTER_SECONDS:.0f} s stops by itself. Before
  anything trains, its cost is estimated: a run that would take more than {cost.SLOW_SECONDS:.0f} s is announced
  with its estimate, and one past the limits (layers wider than {LIMITS.max_layer_width:,} units, more
  than {LIMITS.max_parameters / 1e6:g} M parameters per model) is refused with what to change.
- **Repeats.** *Repeats* in the sidebar trains every method several times, with training seeds counting up from
  the *Training seed*, on the same split (the *Split seed* chooses the test samples). Error curves then draw each
  method's mean over a band (± 1 standard deviation, or the range) and say, per bottleneck, in how many repeats
  each method beat PCA, with a paired Wilcoxon signed-rank test from 5 repeats on. The other pages show the first
  repeat. Repeats of a method train together in one computation where the method allows it (the dense
  autoencoders), each with its own weights, validation samples and batch order.
- **Bad settings** stop only the method that uses them, with the reason in the sidebar and on the page.
- **Links.** The page's address keeps the sidebar's choices, so a reload or a shared link shows the same view;
  an uploaded file cannot travel in a link. *Reset to defaults* in each method's settings puts them back.
- **Your data.** Upload a CSV file (one row per sample, one numeric column per feature, optionally a label
  column, which only colours the plots). Comma, semicolon, tab and pipe separators and decimal commas are
  detected.
""")
