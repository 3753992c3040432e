"""2-D codes of each method's bottleneck-2 model, as one tidy frame."""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.preprocessing import PreparedData
from pipelines.fitting import Models

EMBEDDING_COLUMNS = ["method", "index", "z1", "z2", "label"]


def embedding_frame(models: Models, data: PreparedData) -> pd.DataFrame:
    """Codes of the held-out rows for every method fitted with bottleneck 2: method, index, z1, z2, label."""
    labels = data.y_test if data.y_test is not None else np.full(len(data.test_index), None)
    frames = []
    for (method, k), reducer in models.items():
        if k != 2:
            continue
        codes = reducer.transform(data.X_test)
        frames.append(pd.DataFrame({"method": method, "index": data.test_index, "z1": codes[:, 0],
                                    "z2": codes[:, 1], "label": labels}))
    if not frames:
        return pd.DataFrame(columns=EMBEDDING_COLUMNS)
    return pd.concat(frames, ignore_index=True)
