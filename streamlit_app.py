from review.app.main import run

run()
