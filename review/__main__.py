from review.cli import main

main(prog_name="review")
