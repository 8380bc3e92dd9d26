package io.thoughtanchors.worker;

import java.util.Arrays;

/** What a forward pass runs on: text (the worker tokenises it and adds BOS) or token ids used as given. */
public sealed interface ModelInput permits ModelInput.Text, ModelInput.Tokens {

    static ModelInput text(String text) {
        return new Text(text);
    }

    static ModelInput tokens(int[] ids) {
        return new Tokens(ids);
    }

    record Text(String text) implements ModelInput {
        public Text {
            if (text == null) {
                throw new IllegalArgumentException("text is null");
            }
        }
    }

    /** Token ids, BOS included if the model expects one. The array is copied in and out. */
    record Tokens(int[] ids) implements ModelInput {
        public Tokens {
            if (ids == null || ids.length == 0) {
                throw new IllegalArgumentException("token ids must not be empty");
            }
            ids = ids.clone();
        }

        @Override
        public int[] ids() {
            return ids.clone();
        }

        public int length() {
            return ids.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tokens t && Arrays.equals(ids, t.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return "Tokens[" + ids.length + " ids]";
        }
    }
}
