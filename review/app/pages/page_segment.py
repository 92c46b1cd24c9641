from review.app.segment import render

render()
