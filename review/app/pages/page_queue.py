from review.app.queue import render

render()
