package scada.redundancy.ops.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A role-change command as the operator writes it, split into the program and its arguments the
 * way a shell splits words, without a shell: blanks separate words, {@code '...'} keeps everything
 * literally, {@code "..."} keeps blanks and lets {@code \"} and {@code \\} through, a backslash
 * outside quotes escapes the next character. No variables, globs, pipes or redirections: for those
 * write {@code sh -c '...'} (the environment variables are then {@code $DUPLEX_ROLE} and so on).
 */
final class HookCommand {
    private HookCommand() {
    }

    /**
     * @throws IllegalArgumentException when a quote is not closed or there is no word at all
     */
    static List<String> parse(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("the quote ' at " + (i + 1) + " is not closed: " + command);
                }
                word.append(command, i + 1, end);
                inWord = true;
                i = end;
            } else if (c == '"') {
                int j = i + 1;
                for (; j < command.length() && command.charAt(j) != '"'; j++) {
                    char d = command.charAt(j);
                    if (d == '\\' && j + 1 < command.length() && (command.charAt(j + 1) == '"' || command.charAt(j + 1) == '\\')) {
                        j++;
                        d = command.charAt(j);
                    }
                    word.append(d);
                }
                if (j >= command.length()) {
                    throw new IllegalArgumentException("the quote \" at " + (i + 1) + " is not closed: " + command);
                }
                inWord = true;
                i = j;
            } else if (c == '\\' && i + 1 < command.length()) {
                word.append(command.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("the command is empty");
        }
        return words;
    }
}
