"""GP federation finance: the Streamlit entry (`streamlit run app.py`).

The frame is in ui/frame.py, each page in app_pages/, every number in finance/.
"""

from ui import frame

frame.run()
