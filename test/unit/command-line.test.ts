// The typed command line of "Run Command in Pods…" → an argument array, without a shell.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCommandLine, parseCommandLine } from '../../src/kube/exec/commandLine';

const argv = (line: string) => {
  const r = parseCommandLine(line);
  if ('error' in r) throw new Error(r.error);
  return r.argv;
};

test('words split on blanks; quotes group; nothing is expanded', () => {
  assert.deepEqual(argv('cat   /etc/os-release'), ['cat', '/etc/os-release']);
  assert.deepEqual(argv(`sh -c 'echo $HOSTNAME; exit 3'`), ['sh', '-c', 'echo $HOSTNAME; exit 3']);
  assert.deepEqual(argv('echo "a  b" c\\ d'), ['echo', 'a  b', 'c d']);
  assert.deepEqual(argv('echo "say \\"hi\\" \\$x \\n"'), ['echo', 'say "hi" $x \\n'], 'in double quotes a backslash escapes only " \\ $ `');
  assert.deepEqual(argv("ls *.log | wc -l && rm -rf ~"), ['ls', '*.log', '|', 'wc', '-l', '&&', 'rm', '-rf', '~'], 'globs, pipes and ~ are plain words');
  assert.deepEqual(argv(`printf ''`), ['printf', ''], 'an empty quoted word stays a word');
  assert.deepEqual(argv(`a'b'"c"d`), ['abcd'], 'adjacent quoted parts join into one word');
});

test('errors: unclosed quotes, a trailing backslash, nothing typed', () => {
  assert.match((parseCommandLine(`echo 'x`) as { error: string }).error, /single quote/);
  assert.match((parseCommandLine('echo "x') as { error: string }).error, /double quote/);
  assert.match((parseCommandLine('echo \\') as { error: string }).error, /backslash/);
  assert.match((parseCommandLine('   ') as { error: string }).error, /Type a command/);
});

test('formatCommandLine quotes what needs it and parses back to the same array', () => {
  const cases = [['sh', '-c', "echo it's $HOME"], ['ls', '-la', '/tmp'], ['printf', ''], ['a b', 'c"d']];
  for (const c of cases) assert.deepEqual(argv(formatCommandLine(c)), c);
  assert.equal(formatCommandLine(['ls', '-la', '/tmp']), 'ls -la /tmp');
});
