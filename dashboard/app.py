"""Entry point: page config, the shared sidebar, and the pages (`streamlit run dashboard/app.py`)."""
import streamlit as st

from dashboard import sidebar, state  # installed with the project (`pip install -e .`)

st.set_page_config(page_title="Latent Lab", page_icon=":material/compress:", layout="wide")
pages = st.navigation([
    st.Page("views/error_curves.py", title="Error curves", icon=":material/show_chart:", default=True),
    st.Page("views/embeddings.py", title="Embeddings", icon=":material/scatter_plot:"),
    st.Page("views/reconstructions.py", title="Reconstructions", icon=":material/image:"),
    st.Page("views/latent_space.py", title="Latent space", icon=":material/grid_on:"),
    st.Page("views/generation.py", title="Generation", icon=":material/auto_awesome:"),
    st.Page("views/training_curves.py", title="Training", icon=":material/model_training:"),
    st.Page("views/linear_ae_vs_pca.py", title="Linear AE vs PCA", icon=":material/compare_arrows:"),
    st.Page("views/stored_runs.py", title="Stored runs", icon=":material/inventory_2:"),
    st.Page("views/about.py", title="About", icon=":material/info:"),
])
state.set_selection(sidebar.render())
pages.run()
