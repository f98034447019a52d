/** Runs the VectorIndex contract against the in-memory exact scan. */
import { MemoryVectorIndex } from './memory-vector-index.js';
import { runVectorIndexContract } from './vector-index.contract.js';

runVectorIndexContract('memory', async () => ({ vectors: new MemoryVectorIndex(), close: async () => {} }));
