from review.app.overview import render

render()
