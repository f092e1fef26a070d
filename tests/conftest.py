"pytest options for running the notebooks as tests."
def pytest_addoption(parser):
    parser.addoption('--flags', default='', help="space-separated nbdev test flags to run, e.g. --flags slow")
