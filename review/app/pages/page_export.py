from review.app.export import render

render()
