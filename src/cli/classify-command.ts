import type { Command } from 'commander';
import { cliLogger } from './cli-logger.js';
import { writeLine, type CliIO } from './cli-io.js';
import { pickClassifier, toClassifiable } from './pick-classifier.js';
import { classifyLine, readJsonl } from './read-jsonl.js';

export function registerClassifyCommand(program: Command, io: CliIO): void {
  program
    .command('classify')
    .description('classify items from a JSON Lines file: {"id","title","summary","lang"?} in, {"id","themes","scores"} out')
    .requiredOption('--input <file>', 'JSON Lines file of items')
    .option('--classifier <kind>', 'offline or llm', 'offline')
    .option('--evidence', 'add the terms that fired for each theme')
    .action(async (options: { input: string; classifier: string; evidence?: boolean }) => {
      const items = readJsonl(options.input, classifyLine);
      const classifier = await pickClassifier(options.classifier, io.env, cliLogger(io, 'warn'));
      try {
        const results = await classifier.classify(toClassifiable(items));
        items.forEach((item, index) => {
          const result = results[index];
          if (!result) return;
          const line = { id: item.id, themes: result.themes, scores: result.scores };
          writeLine(io.stdout, JSON.stringify(options.evidence ? { ...line, evidence: result.evidence } : line));
        });
      } finally {
        await classifier.close();
      }
    });
}
