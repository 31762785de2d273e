/** Worker entry of `curveStats`: claims curves from the shared jobs until none is left. */
import { workerData } from "node:worker_threads";
import { claimJobs, type SharedJobs } from "./curve-pool.js";

claimJobs(workerData as SharedJobs);
