"""Schemathesis hooks for .ci/fuzz: what GitLab accepts that the contract's schemas leave unsaid."""

import schemathesis


@schemathesis.hook
def filter_case(ctx, case):
    """A body of `null` is no body: GitLab (Grape) merges only a JSON object into the
    parameters, and the contract says so of cancel's, retry's and play's bodies in words (the
    schema stays the object's `$ref`, for the generators' sake), so `null` is not negative
    data. (`filter_case` runs in every phase, `filter_body` not in the coverage phase.)
    """
    return case.body is not None
