"""Optional sign-in with OpenID Connect, through Streamlit's own st.login, st.user and st.logout.

Sign-in is on when `.streamlit/secrets.toml` has an ``[auth]`` section (redirect_uri, cookie_secret,
client_id, client_secret, server_metadata_url: see deploy/README.md). Without one the app runs as
it always has, for one local user in one local workspace, so ``streamlit run app.py`` needs nothing
set up. A signed-in user is known by the e-mail address their provider vouches for.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from finance.store.workspaces import LOCAL_USER, user_key

TITLE = "GP federation finance"


def configured() -> bool:
    """True when secrets.toml has an [auth] section, so users must sign in."""
    try:
        return "auth" in st.secrets
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return False


def require_sign_in() -> str:
    """The signed-in user's e-mail address ('local' with sign-in off); a sign-in page, and stop, for anyone else."""
    if not configured():
        return LOCAL_USER
    if not st.user.is_logged_in:
        st.title(TITLE)
        st.write("Sign in with your organisation's account to see your federation's figures.")
        st.button("Sign in", type="primary", on_click=st.login, icon=":material/login:")
        st.stop()
    return signed_in_user()


def signed_in_user() -> str:
    """The signed-in user as the store names them: their e-mail address, or the provider's subject when it gives none."""
    email = st.user.get("email") or st.user.get("sub")
    return user_key(str(email))


def sign_out_button() -> None:
    """Who is signed in, and a button to sign out (in the sidebar; nothing with sign-in off)."""
    if configured() and st.user.is_logged_in:
        st.sidebar.caption(f"Signed in as {signed_in_user()}")
        st.sidebar.button("Sign out", on_click=st.logout, icon=":material/logout:")
