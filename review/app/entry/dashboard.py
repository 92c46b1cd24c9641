# The script `review app` hands to `streamlit run`. It lives in a folder of its own because
# Streamlit puts the script's folder first on sys.path (review/app/queue.py would shadow the
# standard library's queue module).
from review.app.main import run

run()
