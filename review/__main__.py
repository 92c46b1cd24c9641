from review.cli import main

# Guarded: the scoring workers (review.stream_run, multiprocessing "spawn") import the main
# module again under another name, and must not run the command a second time.
if __name__ == "__main__":
    main(prog_name="review")
