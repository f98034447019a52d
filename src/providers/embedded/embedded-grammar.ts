/**
 * JSON output for embedded models: response_format becomes a llama.cpp grammar that only lets the model
 * sample tokens keeping the text valid JSON (or valid against the schema).
 * https://node-llama-cpp.withcat.ai/guide/grammar
 */
import type { GbnfJsonSchema, Llama, LlamaGrammar } from 'node-llama-cpp';
import type { ResponseFormat } from '../../spec/chat-request.js';

export async function createResponseGrammar(options: {
  llama: Llama;
  format: ResponseFormat | undefined;
  warn: (message: string) => void;
}): Promise<LlamaGrammar | undefined> {
  const { llama, format, warn } = options;
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json_schema' && format.json_schema.schema !== undefined) {
    try {
      // node-llama-cpp validates the schema and throws on anything its GBNF converter does not support.
      // Its signature infers the output type from a literal schema; a request's schema is only known at run time.
      const createForSchema = llama.createGrammarForJsonSchema.bind(llama) as (schema: GbnfJsonSchema) => Promise<LlamaGrammar>;
      return await createForSchema(format.json_schema.schema as GbnfJsonSchema);
    } catch (error) {
      warn(
        `json_schema '${format.json_schema.name}' could not be turned into a grammar ` +
          `(${error instanceof Error ? error.message : String(error)}); output is constrained to any JSON instead`,
      );
    }
  }
  return llama.getGrammarFor('json');
}
