// Runs in a worker thread of the --offload pool: the same transform, off the event loop.
import { transformRecords, type TransformJob } from './transform.js';

export default (job: TransformJob) => transformRecords(job);
