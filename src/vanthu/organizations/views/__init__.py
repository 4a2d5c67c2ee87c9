"""HTML screens of the agency administrator (quản trị cơ quan), mounted at ``/quan-tri/``."""
