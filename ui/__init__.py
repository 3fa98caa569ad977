"""The Streamlit side: session state, the what-if sidebar, charts and small page components."""
